"""Zones and targets (一核五翼十联动, 整片建强, 整街推进): zones with members and status, the district's yearly targets, the subdistrict standards (达标/示范), and each community's brand (一社一特)."""
