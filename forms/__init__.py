"""Flask-WTF forms: validation and CSRF for every form the service shows."""
