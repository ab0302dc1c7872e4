"""nn: neurons, layers and MLPs built on autograd_lite (see issue: the nn package)."""
