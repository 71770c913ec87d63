"""An aiosmtpd handler that refuses every recipient, as a relay does for a mailbox that does not exist."""


class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 <%s>: mailbox unavailable (relay-internal detail)" % address
