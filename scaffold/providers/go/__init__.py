"""The Go provider: go.mod / go.work projects with a main package."""

from scaffold.providers.base import PackageProvider

PROVIDER = PackageProvider("go", ("go.mod", "go.work", "main.go"), __name__)
