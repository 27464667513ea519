"""Pairing cadres with households (党群连心·结对走亲): pairings, visit logs, needs found turned into a request, a wish or a topic; figures per cadre and unit."""
