"""Texts of the first contact and of /help, marked for translation (English source)."""

from bot.lib.i18n import N_

WELCOME_UNKNOWN = N_(
    "Hello! This is Kabar, the assistant that asks how your family's business is doing "
    "after the programme.\n\n"
    "To join, open the invitation link your facilitator (pendamping) gave you."
)
WELCOME_BACK = N_(
    "Hello, {name}! Kabar will ask about your business on schedule. "
    "Send /bantuan whenever you need help."
)
# To a family who stopped messages (or declined at registration): Kabar will not ask.
WELCOME_BACK_PAUSED = N_(
    "Hello, {name}! Kabar is not sending you messages now, as you asked. "
    "Send /mulai whenever you want to receive check-ins again."
)
# Kabar asks facilitators, coordinators, staff and partners no check-in.
WELCOME_BACK_STAFF = N_("Hello, {name}! Send /bantuan to see what you can do.")
START_IN_CHECKIN = N_(
    "Hello, {name}! You are in the middle of a check-in. Here is its question again; "
    "send /batal to stop it."
)
START_IN_ONBOARDING = N_(
    "Hello, {name}! You are signing up to Kabar. Here is the question again, so you can carry on."
)
HELP_UNKNOWN = N_(
    "Kabar asks families about their business after the programme.\n\n"
    "You are not registered yet. Open the invitation link from your facilitator "
    "(pendamping), or ask them for one."
)
# Followed by every command in the families' menu (bot/domain/people/commands.py), a line
# each, so help never lags behind the menu.
HELP_PARTICIPANT = N_(
    "How Kabar works:\n"
    "• From time to time Kabar asks what you produced and sold. Answer with the buttons "
    "or a short reply.\n"
    "• Your facilitator sees your answers and can help when something is in the way.\n\n"
    "Commands:"
)
# One line of those menus: the command, then what it does.
HELP_COMMAND = N_("/{command} – {description}")
# Followed by every command in the role's menu, like HELP_PARTICIPANT.
HELP_STAFF = N_(
    "Kabar for facilitators, coordinators and programme staff. "
    "/peserta NAME or ID shows one family's history.\n\n"
    "Commands:"
)
HELP_PARTNER = N_(
    "Kabar for buying partners (mitra):\n"
    "/stok – the stock families offer for pickup, per village: product, amount and since "
    "when\n"
    "/bantuan – this help"
)
NOT_UNDERSTOOD = N_("Sorry, I did not understand that. Send /bantuan to see what I can do.")
# To whoever sent an update Kabar had to set aside unread (bot/tg/intake.py).
MESSAGE_NOT_READ = N_(
    "Sorry, your last message could not be read. Please send it again, in other words if you can."
)
SOMETHING_WENT_WRONG = N_(
    "Sorry, something went wrong on our side and your last message could not be handled. "
    "Please try again in a moment."
)
