"""Documents participants take home (PDF), laid out from results the domain core computed."""
