"""The static provider: a folder of plain files (index.html, a Staticfile, or public/) served by nginx."""

from scaffold.providers.base import PackageProvider

PROVIDER = PackageProvider("static", ("index.html", "Staticfile", "public/index.html"), __name__)
