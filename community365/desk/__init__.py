"""The six services (六服务): the community service desk — catalogue, requests, lighting files, pairing visits, Open311."""
