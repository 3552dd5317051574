"""The /supervision page 多级监管: the city's, a district's and a street's figures at a glance."""
