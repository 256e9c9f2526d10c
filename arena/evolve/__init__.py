"""Digital Red Queen evolution: rounds of MAP-Elites search against past champions."""
