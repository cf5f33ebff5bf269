"""Working-day calendar (工作日历): statutory holidays and make-up working days, with local overrides."""
