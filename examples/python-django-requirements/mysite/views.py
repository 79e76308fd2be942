from django.http import HttpResponse, JsonResponse


def index(request):
    return HttpResponse("hello from python-django-requirements\n", content_type="text/plain")


def healthz(request):
    return JsonResponse({"status": "ok"})
