"""sos_schema: the Signs of Safety casework contract as msgspec Structs.

Usable on its own (`pip install sos-casework`): it depends on msgspec only and never imports the server.
Decode with `msgspec.json.decode(data, type=AssessmentMapCreate)`; constraints and cross-field rules
are checked on decode and reported as `msgspec.ValidationError` with the path of the bad field.
"""

from ._base import *  # noqa: F403
from ._base import __all__ as _base_all
from .alerts import *  # noqa: F403
from .alerts import __all__ as _alerts_all
from .audit import *  # noqa: F403
from .audit import __all__ as _audit_all
from .batch import *  # noqa: F403
from .batch import __all__ as _batch_all
from .case import *  # noqa: F403
from .case import __all__ as _case_all
from .changes import *  # noqa: F403
from .changes import __all__ as _changes_all
from .contributions import *  # noqa: F403
from .contributions import __all__ as _contributions_all
from .due import *  # noqa: F403
from .due import __all__ as _due_all
from .flags import *  # noqa: F403
from .flags import __all__ as _flags_all
from .frontdoor import *  # noqa: F403
from .frontdoor import __all__ as _frontdoor_all
from .identifiers import *  # noqa: F403
from .identifiers import __all__ as _identifiers_all
from .involvement import *  # noqa: F403
from .involvement import __all__ as _involvement_all
from .maps import *  # noqa: F403
from .maps import __all__ as _maps_all
from .network import *  # noqa: F403
from .network import __all__ as _network_all
from .people import *  # noqa: F403
from .people import __all__ as _people_all
from .plans import *  # noqa: F403
from .plans import __all__ as _plans_all
from .practice import *  # noqa: F403
from .practice import __all__ as _practice_all
from .problem import *  # noqa: F403
from .problem import __all__ as _problem_all
from .scaling import *  # noqa: F403
from .scaling import __all__ as _scaling_all
from .series import *  # noqa: F403
from .series import __all__ as _series_all
from .statutory import *  # noqa: F403
from .statutory import __all__ as _statutory_all
from .summary import *  # noqa: F403
from .summary import __all__ as _summary_all
from .voice import *  # noqa: F403
from .voice import __all__ as _voice_all
from .webhooks import *  # noqa: F403
from .webhooks import __all__ as _webhooks_all

__all__ = sorted(
    {
        *_base_all,
        *_alerts_all,
        *_audit_all,
        *_batch_all,
        *_case_all,
        *_changes_all,
        *_contributions_all,
        *_flags_all,
        *_due_all,
        *_frontdoor_all,
        *_identifiers_all,
        *_involvement_all,
        *_maps_all,
        *_network_all,
        *_people_all,
        *_plans_all,
        *_practice_all,
        *_problem_all,
        *_scaling_all,
        *_series_all,
        *_statutory_all,
        *_summary_all,
        *_voice_all,
        *_webhooks_all,
    }
)
