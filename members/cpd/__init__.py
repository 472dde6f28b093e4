"""
Members' CPD portfolios: what the portal recorded (sessions attended, presenting, committee service, moderation,
sub-group leadership) and what members add themselves, tagged to the CMALT areas, summarised and exported.
"""
