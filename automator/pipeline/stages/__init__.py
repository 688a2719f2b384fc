"""The stage list: the whole pipeline, in order. Each stage is one small module here."""

from __future__ import annotations

from automator.pipeline.stage import Stage
from automator.pipeline.stages.annotate import Annotate
from automator.pipeline.stages.check import Check
from automator.pipeline.stages.deliveries import Deliveries
from automator.pipeline.stages.index import Index
from automator.pipeline.stages.intake import Intake
from automator.pipeline.stages.ledger import Ledger
from automator.pipeline.stages.place import Place
from automator.pipeline.stages.read import Read
from automator.pipeline.stages.recipients import Recipients
from automator.pipeline.stages.render import Render
from automator.pipeline.stages.report import Report
from automator.pipeline.stages.route import Route
from automator.pipeline.stages.verify import Verify

STAGES: tuple[Stage, ...] = (
    Intake(), Read(), Check(), Render(), Verify(), Annotate(),   # prepare: read and check, into scratch
    Recipients(),                                                 # prepare: who the mail would reach
    Route(), Report(), Place(), Ledger(), Deliveries(),           # commit: one ledger transaction
    Index(),                                                      # after: the search index
)

__all__ = ["STAGES", "Annotate", "Check", "Deliveries", "Index", "Intake", "Ledger", "Place", "Read", "Recipients",
           "Render", "Report", "Route", "Verify"]
