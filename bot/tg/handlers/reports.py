"""/laporan: the programme figures in Telegram, for whom they are (a facilitator: their
families; a coordinator: their facilitators' families; staff: every family).

`/laporan` alone reports every cohort of the reader's families; `/laporan NAME` one cohort
or one district. The text is each cohort's latest round; a chart of the last rounds follows
as a photo, then the change against each family's start and the families who may be ready
to graduate (for the reader's review).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from telegram import Update

from bot.db.models import Cohort, Role
from bot.domain.cohort_error import CohortError
from bot.domain.cohort_names import pick
from bot.domain.records import RecordsError
from bot.domain.reports.baseline import baseline_report
from bot.domain.reports.chart import programme_chart
from bot.domain.reports.graduation import graduation_list
from bot.domain.reports.insights_text import insights_text
from bot.domain.reports.programme import CHART_ROUNDS, chart_figures, programme_report
from bot.domain.reports.scope import ReportFilter
from bot.domain.reports.text import SCOPE_ALL, SCOPE_MINE, report_text
from bot.lib.i18n import N_
from bot.messaging.messages import Message, Outgoing, Photo
from bot.tg.context import KabarContext
from bot.tg.handlers.facilitators import facilitator_side

CHART_CAPTION = N_("The last {count} rounds: response rate, producing families, income.")
NONE_OF_YOURS = N_("You have no families in {name}. Send /laporan for your own families.")


async def on_report(update: Update, context: KabarContext) -> None:
    viewer = await facilitator_side(context)
    if viewer is None:
        return
    person, t, chat_id = viewer
    session = context.work.session
    name = " ".join(context.args or []).strip() or None
    filters = ReportFilter()

    def reply(text: str) -> None:
        context.work.send([Outgoing(chat_id=chat_id, text=text, person_id=person.id)])

    try:
        if name is not None:
            # A cohort typed in any case ("/laporan Tenun-2026"); otherwise a district.
            cohort = pick((await session.execute(select(Cohort.name))).all(), name)
            if cohort is not None:
                filters = ReportFilter(cohort=cohort.name)
            else:
                filters = ReportFilter(district=name)
        made = await programme_report(session, person, filters)
    except (RecordsError, CohortError) as error:  # an unknown district, an ambiguous cohort
        reply(error.translate(t))
        return
    if name is not None and not made.selection.cohorts:
        reply(t.gettext(NONE_OF_YOURS).format(name=name))
        return
    scope = t.gettext(SCOPE_ALL if person.role is Role.STAFF else SCOPE_MINE)
    messages: list[Message] = [
        Outgoing(chat_id=chat_id, text=report_text(made, t, scope=scope), person_id=person.id)
    ]
    if made.rounds:
        rows = await chart_figures(session, made)
        zones = {cohort.name: cohort.timezone for cohort in made.selection.cohorts}
        # Drawing takes a while (matplotlib): off the event loop.
        png = await asyncio.to_thread(programme_chart, rows, zones, t, count=CHART_ROUNDS)
        caption = t.gettext(CHART_CAPTION).format(count=CHART_ROUNDS)
        messages.append(
            Photo(
                chat_id=chat_id,
                content=png,
                caption=caption,
                filename="laporan.png",
                person_id=person.id,
            )
        )
        graduation = await graduation_list(session, made.selection)
        change = await baseline_report(session, made.selection, context.work.now, families=False)
        zones = {cohort.name: cohort.timezone for cohort in made.selection.cohorts}
        messages.append(
            Outgoing(
                chat_id=chat_id,
                text=insights_text(t, graduation, change.cohorts, zones),
                person_id=person.id,
            )
        )
    context.work.send(messages)
