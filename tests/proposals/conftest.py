from workflows.selectors import open_stage


def pins(proposal):
    """The tờ trình's items as a reviewer sees them: [{nomination, stage}] with each open stage."""
    return [{"nomination": i.nomination_id, "stage": open_stage(i.nomination).pk}
            for i in proposal.items.select_related("nomination").order_by("position")]
