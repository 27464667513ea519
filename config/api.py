"""The JSON API under /api/v1/ (django-ninja); OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. Every endpoint needs a bearer token or a session unless it says otherwise."""

from community365.audit.api import router as audit_router
from community365.benchmarking.api import router as benchmarking_router
from community365.cases.api import router as cases_router
from community365.core.api import API_AUTH, DocumentedAPI, install_error_handlers
from community365.desk.api import router as desk_router
from community365.emergency.api import router as emergency_router
from community365.mechanisms.api import router as mechanisms_router
from community365.pairing.api import router as pairing_router
from community365.people.api import auth_router
from community365.people.api import router as people_router
from community365.regions.api import router as regions_router
from community365.supervision.api import router as supervision_router
from community365.talks.api import router as talks_router
from community365.teams.api import router as teams_router
from community365.wishes.api import router as wishes_router
from community365.zones.api import router as zones_router

api = DocumentedAPI(
    title="Community 365 API",
    version="1.0.0",
    description="社区365 — community service platform of the 365 method. Errors are JSON "
    '`{"code", "message", "errors": [{"field", "message"}]}`.',
    auth=API_AUTH,
    urls_namespace="api-1",
)
install_error_handlers(api)
api.add_router("/auth", auth_router)
api.add_router("/", people_router)
api.add_router("/", regions_router)
api.add_router("/", audit_router)
api.add_router("/", wishes_router)
api.add_router("/teams", teams_router)
api.add_router("/talks", talks_router)
api.add_router("/services", desk_router)
api.add_router("/cases/emergencies", emergency_router)
api.add_router("/cases", cases_router)
api.add_router("/mechanisms", mechanisms_router)
api.add_router("/benchmarking", benchmarking_router)
api.add_router("/pairing", pairing_router)
api.add_router("/zones", zones_router)
api.add_router("/supervision", supervision_router)
