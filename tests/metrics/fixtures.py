"""Hand-computed fixtures shared by the metric tests (figures worked out in each test's comments)."""

from __future__ import annotations

from tests.metrics.conftest import csv

# as_of 2026-06-30, window 2025-07-01..2026-06-30, default stages lead, contact, needs, proposal, negotiation
PIPELINE = csv(
    "opportunity_id,stage,created_date,customer_id,owner,amount,close_date,lost_at_stage,lost_reason,product,"
    "lead_source,last_activity_date",
    "W1,Won,2026-01-01,A,Ann,100,2026-01-31,,,P1,Web,2026-01-30",
    "W2,Won,2026-02-01,B,Bob,300,2026-03-13,,,P2,Fair,2026-03-01",
    "L1,Lost,2026-01-10,A,Ann,200,2026-02-10,Proposal,Price,P1,Web,",
    "L2,Lost,2026-03-01,C,Bob,,2026-03-20,,,P2,Web,",
    "O1,Proposal,2026-06-01,A,Ann,1000,2026-07-15,,,P1,Web,2026-06-28",
    "O2,Lead,2026-05-01,,Bob,500,2026-06-15,,,P2,Fair,",
    "O3,Negotiation,,B,,,2026-08-01,,,,,",
    "OLD,Won,2024-01-01,C,Ann,50,2024-02-01,,,,,",
)
CUSTOMERS = csv("customer_id,name,owner,region", "A,Alpha,Ann,East", "B,Beta,Bob,West", "C,Gamma,,East")
TARGETS = csv("period,owner,revenue_target", "2026-Q2,,1000", "2026-06,Ann,200", "2026-06,Bob,300")
PROBABILITY_CONFIG = "[rules]\nmin_deals_for_probability = 2\n"
DEALS = {"pipeline.csv": PIPELINE, "customers.csv": CUSTOMERS, "targets.csv": TARGETS}

HISTORY_PIPELINE = csv(
    "opportunity_id,stage,created_date,amount,close_date",
    "H1,Won,2026-01-01,100,2026-01-31",
    "H2,Needs analysis,2026-02-01,50,2026-07-31",
    "H3,Initial contact,2026-05-01,10,2026-07-10",
)
HISTORY = csv(
    "opportunity_id,stage,entered_date",
    "H1,Lead,2026-01-01", "H1,Proposal,2026-01-11", "H1,Won,2026-01-31",
    "H2,Lead,2026-02-01", "H2,Initial contact,2026-02-05", "H2,Lost,2026-02-20", "H2,Needs analysis,2026-03-01",
    "H3,Lead,2026-05-01", "H3,Initial contact,2026-05-11",
)
WITH_HISTORY = {"pipeline.csv": HISTORY_PIPELINE, "stage_history.csv": HISTORY}

TEAM = {
    "orders.csv": csv(
        "customer_id,order_date,amount,owner,channel",
        "A,2026-03-01,100,Ann,Direct", "A,2026-04-01,50,,Direct", "B,2026-03-05,70,,Online",
        "Z,2026-03-06,30,,Online", "B,2026-05-01,20,Cara,Partner"),
    "customers.csv": csv("customer_id,owner", "A,Ann", "B,Bob"),
    "pipeline.csv": csv(
        "opportunity_id,stage,created_date,customer_id,owner,amount,close_date,lead_source",
        "O1,Lead,2026-06-01,A,Ann,10,2026-07-01,Web", "O2,Lead,2026-06-01,B,Bob,20,2026-07-01,Fair",
        "W,Won,2026-02-01,B,Bob,100,2026-04-01,Web"),
    "activities.csv": csv(
        "date,customer_id,opportunity_id,owner,type", "2026-06-25,A,O1,Ann,call", "2026-06-26,A,O1,Ann,Call",
        "2026-06-01,B,,Bob,visit", "2026-01-01,B,,Bob,email", "2025-01-01,B,,Bob,email"),
    "feedback.csv": csv("customer_id,date,kind,score", "A,2026-05-01,nps,10", "A,2026-05-02,NPS,5",
                        "B,2026-05-01,csat,4", "B,2026-05-03,csat,2", "Z,2026-05-01,nps,9"),
    "targets.csv": csv("period,owner,revenue_target", "2026,Ann,1200"),
    "channel_costs.csv": csv("channel,period,cost", "Direct,2026-03,50", "online,2026-Q1,90", "Web,2026,1200"),
}
