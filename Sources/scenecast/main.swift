print("scenecast")
