"""Make a world bigger, cheaply and deterministically: ``multiply(factor)`` adds ``factor - 1``
copies of every row of the history tables (households and residents, wishes and their claims
and events, the talks' topics, signatures, tasks, progress and ratings, the linkages'
activities, sign-ups, service records, corrections and certificates, the mechanisms' projects,
postings, bookings, lectures, funds and co-building lists, the benchmarking score runs,
notifications, the audit trail), so that every list, page, figure and export has ``factor`` times the rows to read.

Copies are written by the database itself, one ``INSERT … SELECT`` per table and round (no
services, no Python objects: this is load, not behaviour; 10× the demo's history takes about a
second), and keep the original's place, people and dates. Round ``k`` gives a copy the id
``id + k × span`` (``span``: the table's largest id before copying), and a foreign key to
another copied table the same shift, so a copied claim belongs to the copied wish and a copied
sign-up to the copied activity: unique constraints that include such a key hold. The few that
do not are kept by ``ADJUST`` (a suffix on a number, no account, no ID hash).
The originals are left as they are, so the demo's objects of ``tests/url_table.PARAMS`` still
name the same rows.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

# Parents before children: a copy's foreign keys are remapped to copies made earlier in the
# same round.
TABLES = [
    "regions.Household",
    "people.Person",
    "wishes.CharityMarket",
    "wishes.Wish",
    "wishes.Claim",
    "wishes.WishEvent",
    "talks.TalkTopic",
    "talks.TalkSignature",
    "talks.TalkEvent",
    "talks.TalkTask",
    "talks.TalkProgress",
    "talks.TalkRating",
    "teams.Activity",
    "teams.Signup",
    "teams.ServiceRecord",
    "teams.CorrectionRequest",
    "teams.Certificate",
    # mechanisms: secretary projects and their tasks, progress, reviews and ratings; first
    # secretaries' postings, extensions, petitions and ledgers; front-line postings; room
    # bookings, lectures and their registrations, delegation visits; fund allocations and
    # entries; co-building lists, agreements, property meetings and fee rates. Not copied:
    # the year's menu and rubric, the units, rooms and property managers (configuration).
    "mechanisms.SecretaryProject",
    "mechanisms.ProjectTask",
    "mechanisms.ProjectProgress",
    "mechanisms.ProjectReview",
    "mechanisms.ProjectRating",
    "mechanisms.FirstSecretaryPosting",
    "mechanisms.PostingExtension",
    "mechanisms.PetitionSignature",
    "mechanisms.FirstSecretaryResult",
    "mechanisms.FrontlinePosting",
    "mechanisms.RoomBooking",
    "mechanisms.Lecture",
    "mechanisms.LectureRegistration",
    "mechanisms.DelegationVisit",
    "mechanisms.FundAllocation",
    "mechanisms.FundEntry",
    "mechanisms.ResourceOffer",
    "mechanisms.NeedItem",
    "mechanisms.CoProject",
    "mechanisms.CoBuildingAgreement",
    "mechanisms.PropertyMeeting",
    "mechanisms.EstateFeeRate",
    # benchmarking: score runs (one per period) with their snapshots and results, and the
    # change log of the trees, the manual entries (copies are superseded entries: the history
    # of corrections) with their files. Not copied: the trees and their nodes.
    "benchmarking.ScoreRun",
    "benchmarking.ScoreSnapshot",
    "benchmarking.IndicatorResult",
    "benchmarking.TreeChange",
    "benchmarking.ManualEntry",
    "benchmarking.ManualEntryFile",
    "notifications.Notification",
    "audit.AuditEvent",
    "desk.ServiceRequest",
    "desk.LightingLog",
    "desk.RequestEvent",
    "desk.CallBack",
    "desk.RequestTask",
    "desk.HotSpotProposal",
    "cases.MediationCase",
    "cases.MediationParty",
    "cases.MediationSession",
    "cases.MediationAgreement",
    "cases.ClinicSession",
    "cases.ClinicBooking",
    "cases.Consultation",
    "emergency.EmergencyEvent",
    "emergency.EventCommunity",
    "emergency.CheckAssignment",
    "emergency.HouseholdCheck",
    "emergency.SupplyIssue",
    "emergency.EmergencyTask",
    # supervision: talks and commitments, analyses, notices with their items, recipients and
    # replies, assessments with their reviews, results and objections.
    "supervision.SpecialTalk",
    "supervision.Commitment",
    "supervision.Analysis",
    "supervision.Notice",
    "supervision.NoticeRecipient",
    "supervision.NoticeItem",
    "supervision.NoticeReply",
    "supervision.Assessment",
    "supervision.ReportReview",
    "supervision.AssessmentResult",
    "supervision.Objection",
    # zones: the dated status history (the zones, members, standards, targets and brands are
    # configuration, one row per thing)
    "zones.ZoneStatusChange",
    # pairing: pairings, their visits and the needs found (copies of a pairing are live pairings
    # of the same household and cadre, which the partial unique rule forbids: the copies end).
    "pairing.Pairing",
    "pairing.PairingVisit",
    "pairing.VisitNeed",
]

# A new app lists its history tables here (the ones that grow with use), so that the
# query-budget test requests its pages over 10× of them.


# column → SQL expression of the copy ({k}: the round), where a plain copy would break a unique
# constraint that holds no copied foreign key.
ADJUST: dict[str, dict[str, str]] = {
    "regions.Household": {"number": "SUBSTR(number, 1, 27) || '~{k}'"},  # unique (stairwell, number)
    "people.Person": {"user_id": "NULL", "id_hash": "NULL"},  # one person per account, per ID number
    "teams.Certificate": {"serial": "SUBSTR(serial, 1, 36) || '~{k}'"},  # unique serial
    # unique (district, unit, year, title): the unit is not copied
    "mechanisms.SecretaryProject": {"title": "SUBSTR(title, 1, 76) || '~{k}'"},
    # unique (district, region, partner, year)
    "mechanisms.CoBuildingAgreement": {"partner": "SUBSTR(partner, 1, 116) || '~{k}'"},
    # unique (district, manager, estate, year): the manager is not copied
    "mechanisms.EstateFeeRate": {"estate": "SUBSTR(estate, 1, 56) || '~{k}'"},
    # one complete run per (district, key): a copy is another period, which no URL names
    "benchmarking.ScoreRun": {"key": "SUBSTR(\"key\", 1, 7) || '~{k}'"},
    # one pending and one confirmed value per (district, node, community): copies are superseded
    "benchmarking.ManualEntry": {"status": "'superseded'"},
    # unique (district, hotline_ticket) where a ticket is set
    "desk.ServiceRequest": {"hotline_ticket": "SUBSTR(hotline_ticket, 1, 34) || '~{k}'"},
    # unique (district, place, category, period, kind): a copy gets a category no hot spot has
    "desk.HotSpotProposal": {"category": "SUBSTR(category, 1, 16) || '~{k}'"},
    "cases.MediationCase": {"number": "SUBSTR(number, 1, 26) || '~{k}'"},  # unique (district, number)
    "emergency.HouseholdCheck": {"key": "SUBSTR(\"key\", 1, 56) || '~{k}'"},  # unique (district, key)
    "supervision.Assessment": {"year": '"year" + {k}000'},  # unique (district, year)
    # one live pairing per (district, household, cadre): a copy is an ended pairing
    "pairing.Pairing": {"ended_on": "COALESCE(ended_on, since)", "end_reason": "'other'"},
}

# Tables whose reference to their own rows is shifted like a key to another copied table (a
# copied reversal reverses the copied row: unique (district, reverses)).
SHIFT_SELF = {"mechanisms.FundAllocation", "mechanisms.FundEntry"}


def multiply(factor: int, tables: list[str] | None = None) -> dict[str, int]:
    """Bring every listed table to ``factor`` times its rows; returns {table: rows added}."""
    tables = tables or TABLES
    models = [apps.get_model(label) for label in tables]
    spans, added = {}, {}
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0), COUNT(*) FROM {table}")  # noqa: S608
            spans[model._meta.label], count = cursor.fetchone()
            added[model._meta.label] = count * (factor - 1)
        for k in range(1, factor):
            for model in models:
                _copy(cursor, model, k, spans)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return added


def _copy(cursor, model, k: int, spans: dict[str, int]) -> None:
    label = model._meta.label
    span = spans[label]
    if not span:
        return
    quote = connection.ops.quote_name
    adjust = ADJUST.get(label, {})
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        columns.append(quote(column))
        if field.primary_key:
            values.append(f"{quote(column)} + {k * span}")
        elif column in adjust:
            values.append(adjust[column].format(k=k))
        elif (
            field.is_relation
            and field.related_model._meta.label in spans
            and (field.related_model is not model or label in SHIFT_SELF)
        ):
            values.append(f"{quote(column)} + {k * spans[field.related_model._meta.label]}")
        else:
            values.append(quote(column))
    table = quote(model._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from the models
        f"SELECT {', '.join(values)} FROM {table} WHERE {quote(model._meta.pk.column)} <= %s",
        [span],
    )
