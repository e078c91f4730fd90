from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from victimsupport.startpage import panels_for


@login_required
@require_GET
def home(request):
    return render(request, "victimsupport/home.html", {"panels": panels_for(request)})
