// The invalidation domain's notification texts.
#include "control/invalidation_notices.hpp"

namespace candela::control {

const NotificationTemplate kInvalidationOverdueNotice{
    "invalidation.overdue", NotificationCategory::kInvalidations,
    "Invalidation {{id}} for {{scid}} is not complete after 12 hours",
    "The {{mode}} {{kind}} invalidation {{id}} of service {{scid}} ({{count}} value(s)), "
    "requested at {{requested_at}}, has been applied by {{applied}} of {{active}} active edges. "
    "Still waiting for: {{waiting}}.\nSee it in the portal: {{link}}"};

}  // namespace candela::control
