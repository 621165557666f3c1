"""SKM: the public satisfaction survey (PermenPAN-RB 14/2017), its imports and summary tables."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.blueprints import survey, survey_admin
    from app.core import demo
    from app.services import skm_demo

    app.register_blueprint(survey.bp)
    app.register_blueprint(survey_admin.bp)
    demo.register_seeder(skm_demo.seed_responses)
