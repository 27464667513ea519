"""Emergency response (应急): events, the households to check, the door-to-door checklist."""
