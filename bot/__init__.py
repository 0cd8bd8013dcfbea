"""The assistant's code that runs in the Rasa environment (Python 3.10): custom actions, localisation,
and the client of the booking API. It never touches a database and never imports booking/."""
