"""`$metadata` (CSDL XML, OData 4.0) and the service document, both derived from app.odata.entities.

Excel and Power BI read `$metadata` first to learn each entity set's columns and types, so it is
generated from the same property lists the feed serialises: the two cannot disagree. Every entity
set appears in `$metadata`; the service document lists only those the token's role may read, so
Excel's navigator offers no table that would answer 403.
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from app.models import User
from app.odata.entities import ENTITY_SETS
from app.odata.model import NAMESPACE

EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
CONTAINER = "Pantau"


def csdl() -> bytes:
    """The CSDL document. Written as text: ElementTree cannot put the edm namespace as the default one
    with unprefixed attributes, and every name and type here is one of ours (escaped all the same)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<edmx:Edmx xmlns:edmx="{EDMX}" Version="4.0">', "<edmx:DataServices>",
             f'<Schema xmlns="{EDM}" Namespace={quoteattr(NAMESPACE)}>']
    for entity_set in ENTITY_SETS.values():
        lines.append(f"<EntityType Name={quoteattr(entity_set.type_name)}>")
        lines.append("<Key>" + "".join(f"<PropertyRef Name={quoteattr(p.name)}/>" for p in entity_set.keys)
                     + "</Key>")
        for prop in entity_set.props:
            attributes = {"Name": prop.name, "Type": prop.edm}
            if not prop.nullable:
                attributes["Nullable"] = "false"
            if prop.edm == "Edm.Decimal":  # the only decimals are IKM scores, shown with two decimals
                attributes.update({"Precision": "5", "Scale": "2"})
            if prop.edm == "Edm.DateTimeOffset":
                attributes["Precision"] = "6"
            lines.append("<Property " + " ".join(f"{k}={quoteattr(v)}" for k, v in attributes.items()) + "/>")
        lines.append("</EntityType>")
    lines.append(f"<EntityContainer Name={quoteattr(CONTAINER)}>")
    for entity_set in ENTITY_SETS.values():
        lines.append(f"<EntitySet Name={quoteattr(entity_set.name)} "
                     f"EntityType={quoteattr(NAMESPACE + '.' + entity_set.type_name)}/>")
    lines += ["</EntityContainer>", "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"]
    return "\n".join(lines).encode("utf-8")


def service_document(user: User, service_root: str) -> dict:
    return {"@odata.context": f"{service_root}$metadata",
            "value": [{"name": s.name, "kind": "EntitySet", "url": s.name, "title": s.description}
                      for s in ENTITY_SETS.values() if s.readable_by(user)]}
