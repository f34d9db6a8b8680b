"""What the robustness suite shares besides its live-server fixture: the bureau and reviewer keys the server
accepts, the call it screens for, and its parse budget."""

API_KEY = "robustness-key"
BUREAU = "稳健性测试局"
REVIEWER_KEY = "robustness-reviewer-key"
REVIEWER = "稳健性评审"  # assigned every call ("*"), so the review desk answers beyond 403 for any call id
CAMPAIGN = "nrta-2024-smart-network-services"
PARSE_SECONDS = 1.5
