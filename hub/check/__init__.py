"""`/check`: the public page where anyone checks a cylinder or a food batch by its code, typed or
scanned, and the QR labels that point to it."""
