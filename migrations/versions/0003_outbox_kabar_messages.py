"""outbox holds Kabar's messages: `method` becomes `kind`, queued rows take Kabar's form

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 06:40:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows not sent yet; sent and failed rows keep the form they were sent in.
QUEUED = ('pending', 'sending')
UNREADABLE = 'not converted at upgrade 0003: unknown Bot API call'

# Frozen copies of bot/messaging/messages.py (Kabar's form) and bot/tg/botapi.py (the Bot
# API's) as they were at this revision: migrations must not change meaning when the
# application code moves on.


def _buttons(markup: Any) -> list[list[dict[str, str]]] | None:
    rows = markup.get('inline_keyboard') if isinstance(markup, dict) else None
    if not rows:
        return None
    return [
        [
            {'text': b['text'], 'url': b['url']}
            if 'url' in b
            else {'text': b['text'], 'data': b['callback_data']}
            if 'callback_data' in b
            else {'text': b['text']}
            for b in row
        ]
        for row in rows
    ]


def _kabar_form(method: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    markup = payload.get('reply_markup')
    buttons = _buttons(markup)
    data: dict[str, Any]
    if method == 'sendMessage':
        data = {'text': payload['text']}
        if buttons:
            data['buttons'] = buttons
        elif isinstance(markup, dict) and markup.get('keyboard'):
            data['keyboard'] = [
                [
                    {'text': k['text'], 'contact': True} if k.get('request_contact') else {'text': k['text']}
                    for k in row
                ]
                for row in markup['keyboard']
            ]
        elif isinstance(markup, dict) and markup.get('remove_keyboard'):
            data['remove_keyboard'] = True
        return 'text', data
    if method == 'editMessageText':
        data = {'message_id': int(payload['message_id']), 'text': payload['text']}
        if buttons:
            data['buttons'] = buttons
        return 'edit', data
    if method == 'answerCallbackQuery':
        data = {'query_id': str(payload['callback_query_id'])}
        if payload.get('text'):
            data['toast'] = payload['text']
        return 'answer', data
    if method == 'setMyCommands':
        commands = [[c['command'], c['description']] for c in payload['commands']]
        return 'menu', {'commands': commands, 'language': None}
    if method == 'sendPhoto' and 'photo_b64' in payload:
        data = {'caption': payload.get('caption', ''), 'content': payload['photo_b64'], 'filename': 'chart.png'}
        if buttons:
            data['buttons'] = buttons
        return 'photo', data
    return None


def _inline(rows: list[list[dict[str, str]]]) -> dict[str, Any]:
    return {
        'inline_keyboard': [
            [
                {'text': b['text'], 'url': b['url']}
                if 'url' in b
                else {'text': b['text'], 'callback_data': b.get('data') or b['text'][:64]}
                for b in row
            ]
            for row in rows
        ]
    }


def _bot_api_form(kind: str, chat_id: int, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    payload: dict[str, Any]
    if kind == 'text':
        payload = {'chat_id': chat_id, 'text': data['text']}
        if data.get('buttons'):
            payload['reply_markup'] = _inline(data['buttons'])
        elif data.get('keyboard'):
            keyboard = [
                [{'text': k['text'], 'request_contact': True} if k.get('contact') else {'text': k['text']} for k in row]
                for row in data['keyboard']
            ]
            payload['reply_markup'] = {'keyboard': keyboard, 'resize_keyboard': True, 'one_time_keyboard': True}
        elif data.get('remove_keyboard'):
            payload['reply_markup'] = {'remove_keyboard': True}
        return 'sendMessage', payload
    if kind == 'edit':
        payload = {'chat_id': chat_id, 'message_id': data['message_id'], 'text': data['text']}
        if data.get('buttons'):
            payload['reply_markup'] = _inline(data['buttons'])
        return 'editMessageText', payload
    if kind == 'answer':
        payload = {'callback_query_id': data['query_id']}
        if data.get('toast'):
            payload['text'] = data['toast']
        return 'answerCallbackQuery', payload
    if kind == 'menu':
        commands = [{'command': name, 'description': text} for name, text in data['commands']]
        return 'setMyCommands', {'commands': commands, 'scope': {'type': 'chat', 'chat_id': chat_id}}
    if kind == 'photo' and 'content' in data:
        return 'sendPhoto', {'chat_id': chat_id, 'caption': data.get('caption', ''), 'photo_b64': data['content']}
    return None


def _convert(column: str, convert: Any) -> None:
    outbox = sa.table(
        'outbox_messages',
        sa.column('id', sa.BigInteger()),
        sa.column('chat_id', sa.BigInteger()),
        sa.column(column, sa.String(32)),
        sa.column('payload', sa.JSON()),
        sa.column('status', sa.String(16)),
        sa.column('error', sa.Text()),
    )
    bind = op.get_bind()
    queued = bind.execute(
        sa.select(outbox.c.id, outbox.c[column], outbox.c.chat_id, outbox.c.payload).where(
            outbox.c.status.in_(QUEUED)
        )
    ).all()
    for row_id, form, chat_id, payload in queued:
        try:
            converted = convert(form, chat_id, payload) if isinstance(payload, dict) else None
        except (KeyError, TypeError, ValueError):
            converted = None
        if converted is None:
            change = {'status': 'failed', 'error': UNREADABLE}
        else:
            change = {column: converted[0], 'payload': converted[1]}
        bind.execute(sa.update(outbox).where(outbox.c.id == row_id).values(**change))


def upgrade() -> None:
    # The same statement on SQLite (3.25 and later) and PostgreSQL; no table copy.
    op.execute('ALTER TABLE outbox_messages RENAME COLUMN method TO kind')
    _convert('kind', lambda method, _chat, payload: _kabar_form(method, payload))


def downgrade() -> None:
    _convert('kind', _bot_api_form)
    op.execute('ALTER TABLE outbox_messages RENAME COLUMN kind TO method')
