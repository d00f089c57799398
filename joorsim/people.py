"""The retailers who place the simulator's orders, many with non-ASCII names and addresses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Customer:
    """A retailer account with its buyer, ship-to address and currency."""

    code: str
    name: str
    company: str
    city: str
    region: str
    postal_code: str
    country: str
    iso_two: str
    phone: str
    currency: str

    @property
    def email(self) -> str:
        """A plausible ASCII buyer email derived from the customer code."""
        return f"buyer.{self.code.lower()}@example.com"


_ROWS = [
    ("Zoë Laurent", "Maison Zoë", "Paris", "Île-de-France", "75003", "France", "FR", "EUR"),
    ("Jürgen Müller", "Müller Mode GmbH", "München", "Bayern", "80331", "Germany", "DE", "EUR"),
    ("Ana Conceição", "Boutique São Paulo", "São Paulo", "SP", "01310-100", "Brazil", "BR", "USD"),
    ("佐藤 花子", "東京セレクト", "東京", "東京都", "150-0001", "Japan", "JP", "JPY"),
    ("Lucía Ñandú", "Ñandú Moda", "Buenos Aires", "CABA", "C1425", "Argentina", "AR", "USD"),
    ("Åsa Öberg", "Öberg & Co", "Göteborg", "Västra Götaland", "411 19", "Sweden", "SE", "EUR"),
    ("Łukasz Wójcik", "Łódź Concept Store", "Łódź", "Łódzkie", "90-001", "Poland", "PL", "EUR"),
    ("Chloé Dubois", "Café Crème Boutique", "Montréal", "QC", "H2X 1Y4", "Canada", "CA", "CAD"),
    ("Siobhán O'Connor", "Ó Conchúir Ltd", "Dublin", "", "D02 X285", "Ireland", "IE", "EUR"),
    ("Mary Smith", "Smith & Daughters", "Austin", "TX", "78701", "United States", "US", "USD"),
    ("James Lee", "Harbor Goods", "Seattle", "WA", "98101", "United States", "US", "USD"),
    ("Olivia Brown", "Brown Bag Boutique", "Chicago", "IL", "60607", "United States", "US", "USD"),
    (
        "Noah Davis",
        "Main Street Outfitters",
        "Portland",
        "OR",
        "97205",
        "United States",
        "US",
        "USD",
    ),
    ("Emma Wilson", "Wilson & Wren", "London", "", "EC1V 9HX", "United Kingdom", "GB", "GBP"),
    ("İlker Yıldız", "Yıldız Butik", "İstanbul", "İstanbul", "34367", "Turkey", "TR", "EUR"),
    ("Δήμητρα Παπαδοπούλου", "Αθήνα Στιλ", "Αθήνα", "Αττική", "105 57", "Greece", "GR", "EUR"),
    ("Renée Fleury", "Fleur de Lys", "Genève", "GE", "1204", "Switzerland", "CH", "CHF"),
    ("Sofía Martínez", "La Tienda de Sofía", "Sevilla", "Andalucía", "41001", "Spain", "ES", "EUR"),
    ("Ava Johnson", "Johnson Dry Goods", "Nashville", "TN", "37203", "United States", "US", "USD"),
    ("Liam García", "García & Hijos", "Miami", "FL", "33130", "United States", "US", "USD"),
]

CUSTOMERS = [
    Customer(f"C{1001 + i}", name, company, city, region, postal, country, iso, "+1 555 0100", cur)
    for i, (name, company, city, region, postal, country, iso, cur) in enumerate(_ROWS)
]

STREETS = [
    "Rue de Rivoli 12",
    "Leopoldstraße 7",
    "Av. Paulista 1578",
    "表参道 3-5-1",
    "Main St 401",
]
SALES_REPS = ["Dana Kim", "Luis Ortega", "Priya Natarajan", "Jean-Luc Bérard"]
SHIPPING_METHODS = ["UPS Ground", "FedEx 2Day", "DHL Express", "Customer Pickup"]
PAYMENT_METHODS = ["Net 30", "Net 60", "Credit Card", "Pro Forma"]
DELIVERIES = ["Delivery 1 - Spring", "Delivery 2 - Summer", "Immediate", "Pre-Book"]
COMMENTS = [
    "Please ship complete.",
    "Livraison après le 15 svp.",
    "Rush — window display",
    "梱包注意",
]
