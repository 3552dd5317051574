"""The investigators' explorer page (`/explorer`): sign-in, search, graph, paths and timelines."""
