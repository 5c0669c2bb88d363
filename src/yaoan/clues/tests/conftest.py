"""The clues tests work in the shared world (the root conftest's ``world`` fixture,
yaoan.common.testing.World): two stations with an inspector each, the section chief
(district-wide), the bureau's leader, a case officer and the three administrators. Put here
only fixtures the clues module alone needs."""
