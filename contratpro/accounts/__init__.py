"""Accounts (AUTH-1): the office creates people one by one or from the
scolarité's and the staff's imports, invites them by e-mail to set their
password, deactivates and reactivates them; each person keeps their own
contact details and notification choice on « Mon compte ».

Part of contratpro's base: imports no room. The imports of ``students``
call ``services`` here to create and invite the accounts they find."""
