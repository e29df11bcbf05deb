"""Organisers create and change sessions in the management environment (/beheer/kennissessies/).

Wagtail logs each create and edit in the audit trail. After a save, a changed date, format, place
or online link is mailed to everyone registered, and new seats (a larger capacity) are offered to
the waiting list at once (services.session_saved).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from . import services
from .models import Session


class SessionIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organiser")


class SessionSavedMixin:
    def save_instance(self):
        before = Session.objects.filter(pk=self.form.instance.pk).first() if self.form.instance.pk else None
        details = services.practical_details(before) if before else None
        instance = super().save_instance()
        services.session_saved(
            session=instance,
            actor=self.request.user,
            previous_status=before.status if before else None,
            previous_details=details,
        )
        return instance


class SessionCreateView(SessionSavedMixin, CreateView):
    pass


class SessionEditView(SessionSavedMixin, EditView):
    pass


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Knowledge sessions")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "kennissessies"
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    list_display = ["title", "starts_at", "format", "status"]
    list_filter = ["status", "format", "kind"]
    search_fields = ["title", "summary"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("slug"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
                    FieldPanel("summary"),
                    FieldPanel("description"),
                    InlinePanel("dates", label=_("Dates"), min_num=1),
                    InlinePanel("speakers", label=_("Speakers")),
                    FieldPanel("themes"),
                    FieldPanel("organiser"),
                    FieldPanel("programme"),
                ],
                heading=_("Session"),
            ),
            ObjectList(
                [
                    FieldPanel("format"),
                    FieldPanel("location"),
                    FieldPanel("online_url"),
                    FieldRowPanel([FieldPanel("capacity_physical"), FieldPanel("capacity_online")]),
                    MultiFieldPanel(
                        [
                            FieldPanel("open_to_everyone"),
                            FieldPanel("for_administrators"),
                            FieldPanel("for_civil_servants"),
                            FieldPanel("administrative_roles"),
                        ],
                        heading=_("Audience"),
                    ),
                    FieldRowPanel(
                        [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                    ),
                    FieldPanel("max_per_municipality"),
                    FieldPanel("allow_guests"),
                    FieldPanel("offer_hours"),
                    FieldPanel("cancellation_reason"),
                ],
                heading=_("Registration"),
            ),
            ObjectList(
                [
                    InlinePanel("materials", label=_("Materials")),
                    PageChooserPanel("knowledge_product", ["knowledge.KnowledgeProductPage"]),
                ],
                heading=_("Materials"),
            ),
        ]
    )


@hooks.register("register_admin_viewset")
def register_session_viewset():
    return SessionViewSet("events_sessions")
