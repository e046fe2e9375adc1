"""The codes of the work-order refusals (intake, the workflow's steps, attachments, the category set).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- intake
    OUTSIDE_TERRITORY = "outside_territory"  # the location lies in no territory node of the platform
    LOCATION_REQUIRED = "location_required"  # neither a located position nor a district was given
    JURISDICTION_FORBIDDEN = "jurisdiction_forbidden"  # an API key filing in a district other than its own
    OUT_OF_JURISDICTION = "out_of_jurisdiction"  # staff filing in a district they do not work in
    OUTSIDE_JURISDICTION = "outside_jurisdiction"  # the location lies outside the district that was chosen
    REAL_NAME_INCOMPLETE = "real_name_incomplete"  # a real-name appeal without the reporter's name and phone
    UNKNOWN_POINT = "unknown_point"  # the QR code names a point that does not exist

    # -- the transition service
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the workflow does not declare

    # -- the workflow's guards (their messages: ``workorders.workflow.GUARD_MESSAGES``)
    NO_EXTENSION_PENDING = "no_extension_pending"  # approving or refusing an extension nobody asked for
    EXTENSION_ALREADY_PENDING = "extension_already_pending"  # asking for an extension while one is pending
    CALLBACK_NOT_FAILED = "callback_not_failed"  # reopening a case whose callback was resolved and rated well
    MERGED_CHILD = "merged_child"  # closing a case merged into another (it closes with its main case)
    SELF_VERIFICATION = "self_verification"  # verifying one's own sampled on-site resolution
    NOT_A_CONSULTATION = "not_a_consultation"  # 直接答复 of a case that is not a 咨询
    NOT_CONVERTED_TO_DISPUTE = "not_converted_to_dispute"  # 转调解 taken without the dispute it is converted to

    # -- the steps' inputs (handlers)
    INVALID_UNIT = "invalid_unit"  # dispatch to a unit that does not exist or is inactive
    UNIT_OUTSIDE_DISTRICT = "unit_outside_district"  # dispatch to a unit of another district
    INVALID_AMOUNT = "invalid_amount"  # an extension that is not a number, not in 0-365, or not whole days
    INVALID_UNIT_OF_TIME = "invalid_unit_of_time"  # an extension in an unknown unit of time
    INVALID_RESULT = "invalid_result"  # a reply with an unknown result
    RATING_REQUIRED = "rating_required"  # a callback without a rating
    INVALID_RATING = "invalid_rating"  # a callback rating outside 1-5
    RESOLVED_REQUIRED = "resolved_required"  # a callback without saying whether the problem was solved
    INVALID_PARENT = "invalid_parent"  # merging into a case that does not exist (or is out of scope)
    PARENT_NOT_OPEN = "parent_not_open"  # merging into a case that is closed, void or itself merged
    PARENT_OTHER_DISTRICT = "parent_other_district"  # merging into a case of another district
    INVALID_LEVEL = "invalid_level"  # supervision with a level other than yellow or red
    SUPERVISION_DOWNGRADE = "supervision_downgrade"  # a red-card case downgraded to yellow
    PHOTOS_REQUIRED = "photos_required"  # an on-site resolution without before and after photos
    VERIFY_PHOTO_REQUIRED = "verify_photo_required"  # passing a check without the photos its category requires
    VERIFY_POSITION_REQUIRED = "verify_position_required"  # passing a check without the position its category requires
    INVALID_POSITION = "invalid_position"  # a check's position with only one coordinate

    # -- attachments (what a file itself may be: ``core.uploads.UploadCode``)
    INVALID_ATTACHMENT_KIND = "invalid_attachment_kind"  # an attachment kind the model does not know
    CASE_CLOSED = "case_closed"  # adding a file to a case that is closed or void
    ATTACHMENT_FORBIDDEN = "attachment_forbidden"  # adding a file outside a step with only the right to view

    # -- the category set
    CATEGORY_TREE_BROKEN = "category_tree_broken"  # copying a category set whose parents form no tree
    EMPTY_CATEGORY_SET = "empty_category_set"  # publishing a category set without categories
