from django.urls import path

from . import account_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke, name="token_revoke"),
    path("residents/", views.resident_search, name="resident_search"),
    path("accounts/", account_views.accounts, name="accounts"),
    path("accounts/<int:user_id>/roles", account_views.role_grant, name="role_grant"),
    path("accounts/roles/<int:assignment_id>/revoke", account_views.role_revoke, name="role_revoke"),
    path("accounts/<int:user_id>/unlock", account_views.account_unlock, name="account_unlock"),
]
