"""`/field`: the inspectors' app on a phone (market role, signed in with PKCE): scan a cylinder,
see its status, flags, location and last filling and delivery, record an inspection or seize it,
with actions kept on the phone while offline and sent when the network returns."""
