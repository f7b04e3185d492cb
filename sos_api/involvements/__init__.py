"""Case involvements: agencies, chairs and IROs working with a family, and the access that gives them."""
