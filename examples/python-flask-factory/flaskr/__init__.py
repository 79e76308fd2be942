import os

from flask import Flask

from . import views


def create_app(test_config=None):
    """The Flask tutorial's application factory: a package whose __init__ uses relative imports."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(SECRET_KEY=os.environ.get("SECRET_KEY", "dev"))
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.register_blueprint(views.bp)
    return app
