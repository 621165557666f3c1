"""Flask extension singletons, bound to the app in the factory."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.core import rate_limit_storage  # noqa: F401 - defines the local:// rate-limit storage
from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage comes from RATELIMIT_STORAGE_URI: local:// (app/core/rate_limit_storage.py) for one process,
# redis:// when scaled out.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
