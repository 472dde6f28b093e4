from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView


class ConfirmEmailView(AllauthConfirmEmailView):
    """allauth's confirmation page, answering 404 (not 200) when the link is tampered with or expired."""

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        if self.object is None and response.status_code == 200:
            response.status_code = 404
        return response
