"""药安 yaoan — the drug-safety regulation system of a district market supervision bureau."""
