"""Writes on the dispute ledger and the mediation workflow (三调联动).

- :func:`dispute_register` files a dispute (排查登记 and every other source) with its parties; the grid comes
  from the place (the point-in-grid locator, or the grid named), the registrant must keep the ledgers of that
  grid; ID numbers and phones are stored encrypted with blind indexes; the risk level follows ``risk.assess``.
- :func:`dispute_from_work_order` converts a hotline or appeal work order into a dispute: the dispute names
  the work order, and the work order closes through its declared 转调解 step (``refer_to_mediation``), whose
  history row names the dispute — the link both ways, in one transaction.
- :func:`dispute_transition` takes one declared step of ``mediation.workflow`` — the only code that changes
  a dispute's status. Referring a failed mediation to another track keeps the same dispute, so its history
  shows both tracks and the figures count it once.
- :func:`organisation_create`, :func:`mediator_create` and :func:`mediator_declare_conflict` keep the register;
  an assignment refuses a mediator who declared a conflict with a party.

Every write is atomic, writes its history row and an audit entry; a refusal writes nothing.
"""

from wangge.mediation.services.common import new_code
from wangge.mediation.services.register import mediator_create, mediator_declare_conflict, organisation_create
from wangge.mediation.services.registration import dispute_from_work_order, dispute_register, party_keys
from wangge.mediation.services.steps import conflicts_of, dispute_transition

__all__ = [
    "conflicts_of",
    "dispute_from_work_order",
    "dispute_register",
    "dispute_transition",
    "mediator_create",
    "mediator_declare_conflict",
    "new_code",
    "organisation_create",
    "party_keys",
]
