"""Server-rendered pages of cases (办件). ``applicant*`` modules: the applicant's own pages."""
