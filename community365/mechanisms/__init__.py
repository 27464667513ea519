"""The five mechanisms' instruments: secretary projects, first secretaries, co-building, centres, funds."""
