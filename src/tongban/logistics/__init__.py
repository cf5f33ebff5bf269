"""统一物流: shipments of results to applicants and of paper materials from them, tracked to the door."""
