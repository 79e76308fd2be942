from hello import create_app

application = create_app()
