"""
Measurement hooks, active only with BENCH_MODE=true (the bench/ scripts set it; production never does).

- /_bench/trivial/ : the cheapest Django view on the same stack, the ceiling every page is compared with.
- X-Query-Count    : each response says how many SQL queries it ran, so bench/pages reports queries per request.
"""

from django.db import connections
from django.http import HttpResponse


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


class QueryCountHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
