"""What each root field does: its selection compiled to one Cypher statement, then run."""
