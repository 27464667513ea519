"""Cases that need care: 老娘舅 mediation and the legal clinic."""
