"""`/tip`: the whistleblowers' page 吹哨人举报 (public, no sign-in, phone first)."""
