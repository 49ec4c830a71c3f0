"""Organisation building (组织建设): 三新 federations, executive committees per term, 执委履职, trainings."""
