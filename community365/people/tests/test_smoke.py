def test_demo_personas_can_reach_home(client_for):
    for name in ["admin_district", "worker_huangli", "resident_huachuan", "leader_demo"]:
        response = client_for(name).get("/")
        assert response.status_code == 200, name
